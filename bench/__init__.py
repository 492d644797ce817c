"""``make bench``: CDT's speed with a realistic register, each figure next to a baseline measured in the same run."""
