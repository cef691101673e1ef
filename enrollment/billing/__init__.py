"""Contributions (iuran): everything from a verified roster to a paid bill, in one package.

- `arithmetic`: pure rules, no database: segment → basis, rounding, the PP 49/2020 relief,
  due dates, months late and fines (PU only: BPU is never fined).
- `calendar`: the working-day calendar: the holidays library, corrected by the admin's table.
- `lapse`: BPU inactivity through arrears and `cover_on(worker, day)`, derived from bills.
- `reference`: the dated contribution rules (rates, relief, due-date and fine rules, holiday
  corrections) loaded from `fixtures/` by `load_reference`.
- `services`: writes: bills generated set-based from verified rosters, recomputed while unpaid,
  adjustments once paid.
- `payments`: writes: payments recorded or imported from a bank/BPJS file, allocated to bills.
- `selectors`: reads: bill statements (per part: PU, BPU), arrears, fines, full-year payers,
  the budget forecast.
- `exports`: the forecast workbook.
- `admin`: the admin pages for rates, bills, payments, arrears and the forecast.

Other code reaches billing through `services`, `payments`, `selectors`, `calendar` and
`lapse` only.
"""
