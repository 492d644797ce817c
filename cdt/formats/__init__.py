"""Date and time formats per language (``FORMAT_MODULE_PATH``), used by
every page through the format names (``|date:"SHORT_DATE_FORMAT"``), never
a fixed pattern: a pattern's ``M`` gives English three-letter months, and
French ones that are wrong ("Déc", "Jui" for both juin and juillet).

English is written the British way, day before month (7 Dec 2026), as in
the Council's English texts; French has full months or the French
abbreviations (7 déc. 2026, 7 juin, 7 juil.). Times are 24-hour everywhere.
"""
