"""The fonts of a stamped certificate (``stamping``): each font file cut down once per process to the
Latin and Cyrillic letters a learner's values may use, then per certificate to the glyphs used.

The text is drawn by glyph id (Identity-H) with a ToUnicode map, so it stays searchable and
copyable; glyph ids are kept when cutting down, so one content stream serves both cuts.
"""
from __future__ import annotations

import hashlib
import io
import threading
import zlib
from dataclasses import dataclass, field

from lms.certificates.glyph_subset import GlyphSubsetter

# Latin (with the European accented letters), Russian and other Cyrillic letters, punctuation, €, №.
CHARSET = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x400, 0x460), *range(0x2000, 0x2070), 0x20AC, 0x2116]


@dataclass
class EmbeddedFont:
    """A TrueType font cut down to ``CHARSET`` once, with the metrics a stamp measures text with."""

    postscript_name: str
    gids: dict[int, int]  # code point -> glyph id in the cut-down font
    unicode_of: dict[int, int]  # glyph id -> code point, for the ToUnicode map
    advances: dict[int, int]  # glyph id -> advance in font units
    units_per_em: int
    raw: bytes  # the cut-down font
    descriptor: dict
    subsetter: GlyphSubsetter = field(repr=False, default=None)

    def width(self, text: str, size: float) -> float:
        return sum(self.advances[self.gids[ord(char)]] for char in text) * size / self.units_per_em

    def covers(self, text: str) -> bool:
        return all(ord(char) in self.gids for char in text)

    def pdf_width(self, glyph_id: int) -> int:
        return round(self.advances.get(glyph_id, 0) * 1000 / self.units_per_em)


_fonts: dict[str, EmbeddedFont] = {}
_fonts_lock = threading.Lock()


def embedded_font(path: str) -> EmbeddedFont:
    """The font file at ``path``, cut down to ``CHARSET`` (about half a second, once per process)."""
    font = _fonts.get(path)
    if font is None:
        with _fonts_lock:
            font = _fonts.get(path)
            if font is None:
                font = _fonts[path] = _cut_down(path)
    return font


def _cut_down(path: str) -> EmbeddedFont:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG", "FFTM"]
    options.name_IDs = []
    options.notdef_outline = True
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CHARSET)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    raw = out.getvalue()
    font = TTFont(io.BytesIO(raw))
    order = font.getGlyphOrder()
    gid_of = {name: index for index, name in enumerate(order)}
    gids = {code: gid_of[name] for code, name in font.getBestCmap().items()}
    unicode_of = {}
    for code, gid in sorted(gids.items(), reverse=True):
        unicode_of[gid] = code  # a glyph shared by several code points reads as the lowest
    upem = font["head"].unitsPerEm
    advances = {gid_of[name]: metrics[0] for name, metrics in font["hmtx"].metrics.items()}
    scale = 1000 / upem
    head, os2, post = font["head"], font["OS/2"], font["post"]
    postscript = (TTFont(path)["name"].getDebugName(6) or "Font").replace(" ", "")
    descriptor = {
        "/Flags": 32 | (64 if post.italicAngle else 0),
        "/FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "/ItalicAngle": float(post.italicAngle), "/Ascent": round(os2.sTypoAscender * scale),
        "/Descent": round(os2.sTypoDescender * scale),
        "/CapHeight": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale), "/StemV": 80,
    }
    return EmbeddedFont(postscript_name=postscript, gids=gids, unicode_of=unicode_of, advances=advances,
                        units_per_em=upem, raw=raw, descriptor=descriptor, subsetter=GlyphSubsetter(raw))


def _to_unicode(font: EmbeddedFont, used: list[int]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
             "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    for start in range(0, len(used), 100):
        chunk = used[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04X}> <{_utf16_hex(chr(font.unicode_of[gid]))}>" for gid in chunk)
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode("ascii")


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def font_objects(writer, font: EmbeddedFont, used: set[int]):
    """Add a Type0 font (Identity-H, glyph ids) with only the glyphs in ``used`` (the whole cut-down
    font without libharfbuzz-subset) to ``writer``; return its reference."""
    from pyhanko.pdf_utils import generic

    def name(value: str):
        return generic.NameObject(value)

    glyphs = sorted(used)
    data = font.subsetter.subset(glyphs) or font.raw
    tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(repr(glyphs).encode()).digest()[:6])
    base_font = name(f"/{tag}+{font.postscript_name}")
    font_file = generic.StreamObject({name("/Length1"): generic.NumberObject(len(data)),
                                      name("/Filter"): name("/FlateDecode")}, encoded_data=zlib.compress(data, 6))
    descriptor = generic.DictionaryObject({name("/Type"): name("/FontDescriptor"), name("/FontName"): base_font})
    for key, value in font.descriptor.items():
        descriptor[name(key)] = (generic.ArrayObject(generic.NumberObject(v) for v in value) if isinstance(value, list)
                                 else generic.FloatObject(value) if isinstance(value, float)
                                 else generic.NumberObject(value))
    descriptor[name("/FontFile2")] = writer.add_object(font_file)
    widths = generic.ArrayObject()
    for gid in glyphs:
        widths.extend([generic.NumberObject(gid), generic.ArrayObject([generic.NumberObject(font.pdf_width(gid))])])
    cid_font = generic.DictionaryObject({
        name("/Type"): name("/Font"), name("/Subtype"): name("/CIDFontType2"), name("/BaseFont"): base_font,
        name("/CIDSystemInfo"): generic.DictionaryObject({
            name("/Registry"): generic.TextStringObject("Adobe"),
            name("/Ordering"): generic.TextStringObject("Identity"), name("/Supplement"): generic.NumberObject(0)}),
        name("/FontDescriptor"): writer.add_object(descriptor), name("/W"): widths,
        name("/CIDToGIDMap"): name("/Identity"),
    })
    to_unicode = generic.StreamObject({name("/Filter"): name("/FlateDecode")},
                                      encoded_data=zlib.compress(_to_unicode(font, glyphs), 6))
    return writer.add_object(generic.DictionaryObject({
        name("/Type"): name("/Font"), name("/Subtype"): name("/Type0"), name("/BaseFont"): base_font,
        name("/Encoding"): name("/Identity-H"),
        name("/DescendantFonts"): generic.ArrayObject([writer.add_object(cid_font)]),
        name("/ToUnicode"): writer.add_object(to_unicode),
    }))
