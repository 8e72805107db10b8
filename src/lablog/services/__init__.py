"""Plain functions over a Session, one module per noun. They flush, never commit."""
