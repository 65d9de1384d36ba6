"""Cut a font down to a learner's few glyphs with libharfbuzz-subset, in a fraction of a millisecond.

A stamped certificate (``stamping``) embeds only the glyphs its learner's values use, as WeasyPrint
does for the rest of the page: about 2 KB a font instead of about 34 KB for the whole Latin and
Cyrillic set. WeasyPrint's own bindings cannot make a face from bytes, so these declare the few
HarfBuzz functions needed. Without the library, ``subset`` answers None and the caller embeds the
whole set.
"""
from __future__ import annotations

import functools
import threading

_DECLARATIONS = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_MEMORY_MODE_READONLY = 1
# Keep glyph ids (the stamp's text and /W refer to them), no hinting, an outline for .notdef.
_FLAGS = 0x2 | 0x1 | 0x40
_lock = threading.Lock()


@functools.cache
def _libraries():
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(_DECLARATIONS)
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except (ImportError, OSError, AttributeError):
        return None


class GlyphSubsetter:
    """One font's bytes, kept alive with the HarfBuzz face made from them."""

    def __init__(self, font_bytes: bytes):
        libraries = _libraries()
        self._face = None
        if libraries is None:
            return
        self._ffi, self._hb, self._hb_subset = libraries
        self._buffer = self._ffi.new("char[]", font_bytes)
        blob = self._hb.hb_blob_create(self._buffer, len(font_bytes), _MEMORY_MODE_READONLY,
                                       self._ffi.NULL, self._ffi.NULL)
        self._face = self._ffi.gc(self._hb.hb_face_create(blob, 0), self._hb.hb_face_destroy)
        self._hb.hb_blob_destroy(blob)  # the face holds its own reference

    def subset(self, glyph_ids) -> bytes | None:
        """The font with only ``glyph_ids`` (and .notdef) kept, at their ids; None without HarfBuzz."""
        if self._face is None:
            return None
        ffi, hb, hb_subset = self._ffi, self._hb, self._hb_subset
        with _lock:  # one face shared by the threads of a process
            subset_input = hb_subset.hb_subset_input_create_or_fail()
            if subset_input == ffi.NULL:
                return None
            try:
                glyphs = hb_subset.hb_subset_input_glyph_set(subset_input)
                for glyph_id in sorted({0, *glyph_ids}):
                    hb.hb_set_add(glyphs, glyph_id)
                hb_subset.hb_subset_input_set_flags(subset_input, _FLAGS)
                face = hb_subset.hb_subset_or_fail(self._face, subset_input)
            finally:
                hb_subset.hb_subset_input_destroy(subset_input)
            if face == ffi.NULL:
                return None
            blob = hb.hb_face_reference_blob(face)
            try:
                length = ffi.new("unsigned int *")
                data = hb.hb_blob_get_data(blob, length)
                return ffi.unpack(data, length[0]) if length[0] else None
            finally:
                hb.hb_blob_destroy(blob)
                hb.hb_face_destroy(face)
