"""Encrypted backups: ``manage.py backup`` writes one SM4-GCM archive of the database and the
uploaded files, ``manage.py restore`` verifies it and puts both back (docs/adr/0007-backups.md).

``archive`` is the file format (framework-free except for reading the keys from settings);
``services`` dumps, verifies and restores.
"""
