"""Built-in haystacks."""
