"""Orders: create and finalize, items (ticket sales, event and tour bookings), prices,
barcodes, documents."""
