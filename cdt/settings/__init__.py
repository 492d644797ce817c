"""Split settings: ``base`` (everything, from the environment), ``local``
(embedded developer mode), ``test`` and ``production``."""
