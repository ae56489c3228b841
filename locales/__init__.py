"""Message catalogs: ``messages.pot`` and ``<locale>/LC_MESSAGES/messages.po``, compiled by the build."""
