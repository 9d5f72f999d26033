"""One thin module per link of the chain, named after what it produces."""
