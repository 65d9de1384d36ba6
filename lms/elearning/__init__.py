"""E-learning packages (SCORM, cmi5, Tin Can): checked zip upload, unpacked into the file storage,
served from a separate content origin, launched into lessons."""
