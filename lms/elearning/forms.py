"""The package upload form."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from lms.forms import PortalForm


class PackageUploadForm(PortalForm):
    package = FileField(_l("Package (zip: SCORM, cmi5 or Tin Can)"),
                        validators=[FileRequired(message=_l("Choose the package's zip file."))])
