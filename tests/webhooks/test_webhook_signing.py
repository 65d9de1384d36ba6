"""Webhook signatures and retry delays: a receiver can verify our deliveries and refuse tampered or stale ones."""
from __future__ import annotations

import hashlib
import hmac
import random
from datetime import datetime, timezone

import pytest

from lms.webhooks.backoff import (
    BASE_DELAY_SECONDS, MAX_DELAY_SECONDS, MAX_DELIVERY_ATTEMPTS, attempts_exhausted, next_attempt_delay,
)
from lms.webhooks.signing import generate_webhook_secret, parse_signature_header, sign_payload, verify_signature

SECRET = "whsec-test-0123456789abcdef0123456789"
BODY = '{"event":"certificate.issued","data":{"code":"AB12-CD34","user":"Иван"}}'.encode()
SENT_AT = 1_717_000_000


def test_the_header_is_a_timestamp_and_an_hmac_any_receiver_can_recompute():
    header = sign_payload(SECRET, BODY, SENT_AT)
    expected = hmac.new(SECRET.encode(), f"{SENT_AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={SENT_AT},v1={expected}"
    assert sign_payload(SECRET.encode(), BODY, datetime.fromtimestamp(SENT_AT, timezone.utc)) == header
    assert parse_signature_header(header) == (SENT_AT, [expected])


def test_a_fresh_delivery_verifies():
    header = sign_payload(SECRET, BODY, SENT_AT)
    assert verify_signature(SECRET, BODY, header, now=SENT_AT + 299)
    assert verify_signature(SECRET, BODY, header, now=SENT_AT - 10)  # receiver clock slightly behind
    naive_utc = datetime.fromtimestamp(SENT_AT + 5, timezone.utc).replace(tzinfo=None)
    assert verify_signature(SECRET, BODY, header, now=naive_utc)


def test_tampering_a_wrong_secret_or_a_stale_timestamp_fails():
    header = sign_payload(SECRET, BODY, SENT_AT)
    assert not verify_signature(SECRET, BODY.replace(b"AB12", b"ZZ99"), header, now=SENT_AT)
    assert not verify_signature("another-secret", BODY, header, now=SENT_AT)
    assert not verify_signature(SECRET, BODY, header, now=SENT_AT + 301)  # a replay after the window
    assert verify_signature(SECRET, BODY, header, now=SENT_AT + 3000, tolerance=3600)
    moved = header.replace(f"t={SENT_AT}", f"t={SENT_AT + 600}")  # re-dating a captured delivery
    assert not verify_signature(SECRET, BODY, moved, now=SENT_AT + 600)


def test_rotation_any_listed_signature_may_match():
    old = sign_payload("old-secret-0123456789", BODY, SENT_AT)
    new = sign_payload(SECRET, BODY, SENT_AT)
    both = f"{new},{old.split(',')[1]}"
    assert verify_signature(SECRET, BODY, both, now=SENT_AT)
    assert verify_signature("old-secret-0123456789", BODY, both, now=SENT_AT)
    assert verify_signature(SECRET, BODY, f"{new},v0=ignored-scheme", now=SENT_AT)


@pytest.mark.parametrize("header", [
    "", "garbage", "t=1717000000", "v1=" + "0" * 64, f"t=abc,v1={'0' * 64}", f"t=-5,v1={'0' * 64}",
    f"t=1,t=2,v1={'0' * 64}", f"t={SENT_AT},v1=XYZ", f"t={SENT_AT},v1={'A' * 64}", "t=1,v1=" + "0" * 63,
    f"t={SENT_AT},v1={'0' * 64}," + "x" * 2000, f"t=１７,v1={'0' * 64}", None,
])
def test_malformed_headers_fail_without_raising(header):
    assert verify_signature(SECRET, BODY, header, now=SENT_AT) is False


def test_generated_secrets_are_long_and_distinct():
    secrets = {generate_webhook_secret() for _ in range(20)}
    assert len(secrets) == 20 and all(len(secret) >= 43 for secret in secrets)
    with pytest.raises(ValueError):
        sign_payload("", BODY, SENT_AT)


def test_backoff_doubles_up_to_the_cap():
    delays = [next_attempt_delay(n) for n in range(1, MAX_DELIVERY_ATTEMPTS + 1)]
    assert delays[:4] == [BASE_DELAY_SECONDS, 2 * BASE_DELAY_SECONDS, 4 * BASE_DELAY_SECONDS, 8 * BASE_DELAY_SECONDS]
    assert all(later >= earlier for earlier, later in zip(delays, delays[1:]))
    assert delays[-1] == MAX_DELAY_SECONDS
    assert next_attempt_delay(10_000) == MAX_DELAY_SECONDS
    assert 12 * 3600 < sum(delays[:-1]) < 2 * 24 * 3600  # a dead receiver is given about a day


def test_backoff_jitter_stays_within_the_upper_half_and_is_reproducible_with_a_seed():
    for attempt in (1, 5, 20):
        plain = next_attempt_delay(attempt)
        drawn = [next_attempt_delay(attempt, jitter=True, rng=random.Random(seed)) for seed in range(50)]
        assert all(plain / 2 <= delay <= plain for delay in drawn)
        assert len(set(drawn)) > 1
    assert next_attempt_delay(3, jitter=True, rng=random.Random(7)) == next_attempt_delay(3, jitter=True,
                                                                                          rng=random.Random(7))


def test_attempt_counting():
    assert not attempts_exhausted(MAX_DELIVERY_ATTEMPTS - 1)
    assert attempts_exhausted(MAX_DELIVERY_ATTEMPTS)
    for bad in (0, -1, 1.5, True, "3"):
        with pytest.raises(ValueError):
            next_attempt_delay(bad)
