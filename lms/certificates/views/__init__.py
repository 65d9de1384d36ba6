"""Certificate pages: the learner's list, the managers' register, and the public verification."""
