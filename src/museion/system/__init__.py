"""Instance-level endpoints: version, whoami, locales."""
