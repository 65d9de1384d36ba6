"""Password hashing: Werkzeug's scrypt, a memory-hard KDF, with a per-hash random salt."""
from werkzeug.security import check_password_hash, generate_password_hash

# A real hash to compare against when the account does not exist, so that a wrong email
# takes as long as a wrong password and timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the same effort, even without a hash."""
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
