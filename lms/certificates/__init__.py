"""Certificates: issue, render (WeasyPrint), sign (pyHanko PAdES), verify, and Open Badges 3.0 export."""
