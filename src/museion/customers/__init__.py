"""Customer accounts: sign-in, own data, newsletter groups, annual ticket personalization."""
