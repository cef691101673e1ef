"""Dates read one way on every page: as they are typed in the forms (dd-mm-yyyy).

Django's own formats wrote "15 Des. 2026" in a read-only field beside "15-12-2026" in a
statement on the same page. Only these names are overridden; the rest are Django's.
"""

DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "d-m-Y H:i"
