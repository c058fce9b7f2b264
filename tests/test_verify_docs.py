"""`faceledger verify` says what it cannot catch, in its --help and in the README, and how to close the gap."""

from __future__ import annotations

from .support import REPO, cli


def test_the_help_says_what_verify_cannot_catch():
    result = cli("verify", "--help", env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "What verify cannot catch" in result.output
    assert "rewrites the data, the descriptors and SHA256SUMS consistently passes" in result.output
    assert "signature or build attestation" in result.output


def test_the_readme_says_what_verify_cannot_catch_and_how_a_publisher_closes_the_gap():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Checking a download") :]
    section = section[: section.index("\n### ", 1)]
    assert "What `verify` cannot catch" in section
    assert "a consistent rewrite of the data, the\ndescriptors and `SHA256SUMS` verifies clean" in section
    for way in ("minisign", "gpg --verify", "cosign verify-blob", "gh attestation verify"):
        assert way in section, way
