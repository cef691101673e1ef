"""A problem found in an uploaded file, located the way a spreadsheet user finds it."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """`sheet!row:column: message`; row as the spreadsheet shows it (header = 1).

    `column` is the header text as written in the file, or the column letter
    where no header applies (an empty file, a column without a header).
    """

    sheet: str
    row: int
    column: str
    message: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.row}:{self.column}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        line = f"{self.location}: {self.message}"
        return line if self.is_error else f"warning: {line}"

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
        }
