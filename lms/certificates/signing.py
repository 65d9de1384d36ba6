"""PAdES signing of certificate PDFs with pyHanko, and validation that anyone can repeat offline."""

import re
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from lms.certificates.keys import SigningIdentity

SIGNATURE_FIELD = "CertificateSignature"


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Convert a cryptography certificate to the asn1crypto form pyHanko works with."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def build_pdf_signer(
    identity: SigningIdentity,
    *,
    signer_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
) -> signers.PdfSigner:
    """Build the reusable PAdES signer (ETSI.CAdES.detached, SHA-256) once per process for ``identity``."""
    key_der = identity.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signing_cert = _asn1_certificate(identity.certificate)
    cms_signer = signers.SimpleSigner(
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [signing_cert, *(_asn1_certificate(cert) for cert in identity.chain)]
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        # A certification signature forbidding any change: viewers flag every later edit as breaking it.
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        name=signer_name,
        reason=reason,
        location=location,
    )
    return signers.PdfSigner(metadata, signer=cms_signer)


# The /Contents placeholder of a signature pyHanko wrote: pyHanko counts its hex digits as the bytes reserved.
_CONTENTS_PLACEHOLDER = re.compile(rb"/Contents <([0-9a-fA-F]+)>")


def sign_pdf(pdf_bytes: bytes, signer: signers.PdfSigner) -> bytes:
    """Return ``pdf_bytes`` with an invisible PAdES-B-B signature covering the whole file."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    # Without ``bytes_reserved`` pyHanko signs a dummy CMS first to size the placeholder: a second
    # signature per certificate (about a third of the signing time). The size depends only on the
    # key, its chain and the metadata, all fixed per signer, so the first signature's size is kept.
    reserved = getattr(signer, "_lms_bytes_reserved", None)
    output = signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
    if reserved is None:
        placeholders = _CONTENTS_PLACEHOLDER.findall(output[len(pdf_bytes):])
        if len(placeholders) == 1:
            signer._lms_bytes_reserved = len(placeholders[0])
    return output


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of validating a certificate PDF's signature; ``ok`` only when every check passes."""

    intact: bool = False
    valid: bool = False
    trusted: bool = False
    entire_file: bool = False
    unmodified: bool = False
    signer_subject: str | None = None
    signing_time: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.entire_file and self.unmodified


def validate_signed_pdf(
    pdf_bytes: bytes, trust_root_cert: x509.Certificate | list[x509.Certificate]
) -> SignatureCheck:
    """Check the PDF's single signature: intact, valid, chained to ``trust_root_cert``, nothing added after."""
    roots = trust_root_cert if isinstance(trust_root_cert, list) else [trust_root_cert]
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return SignatureCheck(error=f"unreadable PDF: {error}")
    if len(signatures) != 1:
        return SignatureCheck(error=f"expected exactly one signature, found {len(signatures)}")
    # No fetching: verification must work offline and must never call out to URLs found in a cert.
    context = ValidationContext(
        trust_roots=[_asn1_certificate(root) for root in roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(signatures[0], context)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return SignatureCheck(error=f"validation failed: {error}")
    return SignatureCheck(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        entire_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        unmodified=status.modification_level in (None, ModificationLevel.NONE),
        signer_subject=status.signing_cert.subject.human_friendly,
        signing_time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
    )
