"""Entry gates: barcode status, voiding (one use counts once), entry and exit scans."""
