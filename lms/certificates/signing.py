"""PAdES signing of certificate PDFs with pyHanko, and validation that anyone can repeat offline."""

import re
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import cms
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


# Signed attributes whose values are the same for every signature of one signer (PAdES leaves the
# signing time out of them: it is the signature dictionary's /M).
_CONSTANT_ATTRIBUTES = {"content_type", "signing_certificate_v2", "cms_algorithm_protection"}
_DUMMY_DIGEST = bytes(range(100, 164))


def _der(tag: int, content: bytes) -> bytes:
    """A DER tag-length-value."""
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    size = (length.bit_length() + 7) // 8
    return bytes((tag, 0x80 | size)) + length.to_bytes(size, "big") + content


class TemplatedCmsSigner(signers.SimpleSigner):
    """pyHanko's signer, except that a PAdES signature's CMS container is built by pyHanko only once:
    every later signature only puts the document digest into the signed attributes, signs them and
    puts the signature in. Building the container with asn1crypto took most of the signing time
    (issue 21); its bytes are the same as pyHanko would write (the tests validate them with pyHanko
    and pdfsig). Anything unusual (a dry run, a timestamp, other attributes) goes to pyHanko."""

    _templates: dict

    async def async_sign(self, data_digest, digest_algorithm, dry_run=False, use_pades=False, timestamper=None,
                         signed_attr_settings=None, is_pdf_sig=True, encap_content_info=None):
        def plain():
            return super(TemplatedCmsSigner, self).async_sign(
                data_digest, digest_algorithm, dry_run=dry_run, use_pades=use_pades, timestamper=timestamper,
                signed_attr_settings=signed_attr_settings, is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info)

        if dry_run or not use_pades or timestamper is not None or encap_content_info is not None \
                or signed_attr_settings is not None and signed_attr_settings.cades_signed_attrs is not None:
            return await plain()
        templates = self.__dict__.setdefault("_templates", {})
        key = (digest_algorithm, is_pdf_sig, len(data_digest))
        if key not in templates:
            templates[key] = await self._template(digest_algorithm, len(data_digest), signed_attr_settings, is_pdf_sig)
        template = templates[key]
        if template is None:
            return await plain()
        attrs_head, attrs_tail, info_head, info_tail, data_head = template
        attributes = attrs_head + data_digest + attrs_tail
        signature = await self.async_sign_raw(b"\x31" + attributes[1:], digest_algorithm)
        info = _der(0x30, info_head + attributes + info_tail + _der(0x04, signature))
        signed_data = _der(0x30, data_head + _der(0x31, info))
        return cms.ContentInfo.load(
            _der(0x30, _SIGNED_DATA_OID + _der(0xA0, signed_data)))

    async def _template(self, digest_algorithm, size, settings, is_pdf_sig):
        """The constant parts of the container around the digest and the signature, or None."""
        dummy = _DUMMY_DIGEST[:size]
        built = await super().async_sign(dummy, digest_algorithm, use_pades=True, signed_attr_settings=settings,
                                         is_pdf_sig=is_pdf_sig)
        signed_data = built["content"]
        [info] = signed_data["signer_infos"]
        names = [attribute["type"].native for attribute in info["signed_attrs"]]
        if set(names) - _CONSTANT_ATTRIBUTES != {"message_digest"} or info["unsigned_attrs"].native \
                or len(signed_data["signer_infos"]) != 1:
            return None
        attributes = info["signed_attrs"].dump()
        if attributes.count(dummy) != 1:
            return None
        attrs_head, attrs_tail = attributes.split(dummy)
        info_head = b"".join(info[name].dump() for name in ("version", "sid", "digest_algorithm"))
        info_tail = info["signature_algorithm"].dump()
        data_head = b"".join(signed_data[name].dump() for name in
                             ("version", "digest_algorithms", "encap_content_info", "certificates", "crls")
                             if signed_data[name].native is not None)
        if _der(0x30, _SIGNED_DATA_OID + _der(0xA0, _der(0x30, data_head + _der(0x31, _der(
                0x30, info_head + attributes + info_tail + info["signature"].dump()))))) != built.dump():
            return None  # not laid out as expected: leave it to pyHanko
        return attrs_head, attrs_tail, info_head, info_tail, data_head


_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")


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
    cms_signer = TemplatedCmsSigner(
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


def sign_pdf(pdf_bytes: bytes, signer: signers.PdfSigner, writer: IncrementalPdfFileWriter | None = None) -> bytes:
    """Return ``pdf_bytes`` with an invisible PAdES-B-B signature covering the whole file.

    ``writer``, opened on ``pdf_bytes``, may already hold changes (a stamp, ``stamping``): they are
    written in the same incremental update as the signature, which covers them.
    """
    writer = writer if writer is not None else IncrementalPdfFileWriter(BytesIO(pdf_bytes))
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
