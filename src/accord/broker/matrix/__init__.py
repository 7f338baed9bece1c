"""The matrix: which consumer versions were verified by which provider versions, and from it
the can-i-deploy decision. ``query`` parses, ``resolve`` turns selectors into version ids,
``rows`` runs the set-based SQL, ``decide`` says yes, no or unknown and why."""
