"""Parse period ids, read their dates and Chinese labels, and move between periods."""

import datetime

from epireport import ModelError, Period, PeriodType

for text in (
    "20200201",  # a day
    "2020W5",  # an ISO week (Monday to Sunday)
    "202002D3",  # a 旬: days 21 to the end of the month
    "202002",  # a month
    "2020Q1",  # a quarter
    "2020S1",  # a half-year
    "2020",  # a year
    "2020-01-23/2020-02-29",  # an interval: the last date is inclusive
    "第一阶段:2020-01-23/2020-02-29",  # a named stage
):
    period = Period.parse(text)
    print(f"{text:32} {period.type.value:9} {period.start} .. {period.last_day}  {period.label()}")

february = Period.parse("202002")
print(february.previous(), february.next(), february.same_period_last_year())
print([str(p) for p in february.split(PeriodType.TEN_DAYS)])
print("2020W5 inside February:", february.contains(Period.parse("2020W5")))  # it starts 27 Jan
print("weeks in 2020 and 2021:", Period.weeks_in_year(2020), Period.weeks_in_year(2021))
print(Period.containing(datetime.date(2020, 2, 5), PeriodType.WEEK))

try:
    Period.parse("2021W53")
except ModelError as error:
    print(error)
