"""Listing exports in the formats sanctions data travels in (issue 27):
FollowTheMoney entities (:mod:`.ftm`) and XML shaped like the EU Financial
Sanctions Files (:mod:`.fsf`), both citing the listing's legal acts
(:mod:`.acts`). Pure functions of a listing and its reader: the API decides
who may export (measures/api/listing_export.py) and audits it."""
