"""The native export formats smm-files registers, declared in data (one module per network).

Each module holds :class:`smmcore.exports.ExportFormat` values; ``smm_files.plugin`` registers
them by reference. Header names carry their sources: the letters (M1, L1, T3, X1, Y3, ...) are
the references of ``docs/user-guide.md`` (section "Native exports"), which lists them.
"""
