"""Fingerprints of registered confidential documents (issue #6).

An organisation registers its confidential documents; every scan then reports passages of them
that reappear in a draft, in any format the tool reads, while the registry keeps no text: only
keyed 64-bit MACs of winnowed k-grams (see docs/fingerprint.md for the design and the guarantee).

Modules: `normalize` (text -> units), `winnow` (k-grams, selection), `keys` (key file, MACs),
`store` (store interface + SQLite), `register` (documents -> registry), `detector` (drafts ->
`fingerprint` findings).
"""
