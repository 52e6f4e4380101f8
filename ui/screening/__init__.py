"""The screening screen: the instrument form, optional patient fields and the live result panel."""
