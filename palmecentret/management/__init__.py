"""Management commands of the Palmecentret portal."""
