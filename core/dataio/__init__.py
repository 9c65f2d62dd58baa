"""The data folder: CSV import and export of prospects, leads, step changes and actions."""

from salesplan.core.dataio.exporter import ExportSummary, export_folder
from salesplan.core.dataio.formats import FILES
from salesplan.core.dataio.importer import ImportSummary, import_folder

__all__ = ["FILES", "ExportSummary", "ImportSummary", "export_folder", "import_folder"]
