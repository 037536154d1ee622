"""The interface's words in Indonesian (first) and English."""

from __future__ import annotations

__all__ = ["UI", "text"]

UI: dict[str, tuple[str, str]] = {
    "site": ("Graf Pengetahuan Inovasi Daerah", "Regional Innovation Knowledge Graph"),
    "tagline": ("Inovasi pemerintah daerah Indonesia sebagai data tertaut: setiap fakta merujuk ke kutipan sumbernya.",
                "Indonesian regional-government innovation as linked data: every fact points to the quote it comes "
                "from."),
    "home": ("Beranda", "Home"), "sparql": ("Editor SPARQL", "SPARQL editor"), "queries": ("Kueri bernama", "Named queries"),
    "search": ("Cari", "Search"), "graph": ("Graf relasi", "Relationship graph"), "catalog": ("Katalog", "Catalog"),
    "ontology": ("Ontologi", "Ontology"), "codes": ("Daftar kode", "Code lists"), "download": ("Unduh", "Download"),
    "triples": ("tripel", "triples"), "classes": ("kelas", "classes"), "instances": ("instans", "instances"),
    "ranking": ("Peringkat Innovative Government Award 2017, kategori kota",
                "Innovative Government Award 2017 ranking, city category"),
    "indicators": ("Indikator ekonomi", "Economic indicators"), "rank": ("Peringkat", "Rank"),
    "government": ("Pemerintah daerah", "Regional government"), "score": ("Skor", "Score"),
    "indicator": ("Indikator", "Indicator"), "value": ("Nilai", "Value"), "unit": ("Satuan", "Unit"),
    "period": ("Periode", "Period"), "labels": ("Label", "Labels"), "types": ("Jenis", "Types"),
    "properties": ("Properti", "Properties"), "inbound": ("Ditautkan dari", "Linked from"),
    "quotes": ("Kutipan sumber", "Source quotes"), "source": ("Sumber", "Source"),
    "neighbourhood": ("Lingkungan simpul", "Neighbourhood"), "open_graph": ("Buka di graf", "Open in the graph"),
    "graph_edition": ("Pemenang per kategori di graf", "Winners by category in the graph"),
    "graph_history": ("Riwayat penghargaan dan indeks di graf", "Award and index history in the graph"),
    "formats": ("Format lain", "Other formats"), "parameters": ("Parameter", "Parameters"), "run": ("Jalankan", "Run"),
    "results": ("Hasil", "Results"), "rows": ("baris", "rows"), "truncated": ("terpotong", "truncated"),
    "not_found": ("Tidak ditemukan", "Not found"), "did_you_mean": ("Mungkin maksud Anda", "Did you mean"),
    "no_results": ("Tidak ada hasil", "No results"), "page": ("Halaman", "Page"), "next": ("Berikutnya", "Next"),
    "previous": ("Sebelumnya", "Previous"), "query_text": ("Teks kueri", "Query text"),
    "editor_fallback": ("Editor sederhana (tanpa JavaScript)", "Plain editor (no JavaScript needed)"),
    "lang_id": ("Bahasa Indonesia", "Indonesian"), "lang_en": ("Inggris", "English"),
    "label_language": ("Bahasa label", "Label language"), "any": ("(semua)", "(any)"),
    "optional": ("opsional", "optional"), "winner": ("Pemenang", "Winner"),
    "skip": ("Langsung ke isi", "Skip to content"), "main_menu": ("Menu utama", "Main menu"),
    "endpoint": ("Alamat endpoint SPARQL", "SPARQL endpoint address"),
    "api_docs": ("Dokumentasi API", "API documentation"), "method": ("Metode", "Method"), "path": ("Jalur", "Path"),
    "api_intro": ("Kueri bernama, SPARQL dan berkas unduhan sebagai API HTTP; deskripsi OpenAPI-nya:",
                  "Named queries, SPARQL and the downloads as an HTTP API; its OpenAPI description:"),
    "browse_provinces": ("Jelajahi per provinsi", "Browse by province"),
    "api_operations": ("Daftar operasi", "Operations"), "summary": ("Ringkasan", "Summary"),
    "members": ("Kabupaten dan kota", "Regencies and cities"), "code": ("Kode", "Code"), "kind": ("Jenis", "Kind"),
    "editions_won": ("Edisi IGA dimenangkan", "IGA editions won"),
    "index_years": ("Indeks daerah (tahun pertama–terakhir)", "Regional index (first–last year)"),
    "license": ("Lisensi", "Licence"), "modified": ("Diubah", "Modified"),
    "file": ("Berkas", "File"), "format": ("Format", "Format"), "size": ("Ukuran", "Size"),
    "figures": ("Angka VoID", "VoID figures"), "catalog_as": ("Katalog ini sebagai data", "This catalog as data"),
    "language": ("English", "Bahasa Indonesia"), "concepts": ("Konsep", "Concepts"),
    "scheme": ("Skema", "Scheme"), "broader": ("Lebih luas", "Broader"), "narrower": ("Lebih sempit", "Narrower"),
    "chosen": ("dipilih", "chosen"), "entry": ("Mulai dari", "Start from"), "data": ("Data", "Data"),
    "void": ("Deskripsi VoID", "VoID description"),
    "awards": ("Riwayat penghargaan (IGA)", "Award history (IGA)"), "year": ("Tahun", "Year"),
    "category": ("Kategori", "Category"), "status": ("Status", "Status"), "where": ("Letak", "Where"),
    "index": ("Indeks Inovasi Daerah", "Regional innovation index"), "rating": ("Predikat", "Rating"),
    "wins_per_year": ("Hasil penghargaan per tahun", "Award results per year"),
    "national_index": ("Inovasi dilaporkan per tahun (IID nasional)", "Innovations reported per year (national index)"),
    "download_results": ("Unduh hasil", "Download the results"),
    "map": ("Peta provinsi", "Map of the provinces"), "map_nav": ("Peta", "Map"),
    "map_figure": ("Angka", "Figure"), "map_year": ("Tahun indeks", "Index year"), "map_show": ("Tampilkan", "Show"),
    "map_zoom_in": ("Perbesar", "Zoom in"), "map_zoom_out": ("Perkecil", "Zoom out"), "map_reset": ("Ukuran awal", "Reset"),
    "map_missing": ("Batas provinsi belum terpasang (jalankan make assets); tabel di bawah tetap memuat semua angka.",
                    "The province boundaries are not installed (run make assets); the table below still has every figure."),
    "map_source": ("Batas provinsi:", "Province boundaries:"),
    "map_regencies": ("Batas ini adalah 34 provinsi sebelum pemekaran Papua tahun 2022. Batas kabupaten/kota belum "
                      "tersedia dari sumber berlisensi terbuka, sehingga peta belum dapat diperbesar sampai ke tingkat itu.",
                      "These are the 34 provinces before Papua was divided in 2022. No openly licensed source of "
                      "regency and city boundaries has been brought in yet, so the map does not zoom to that level."),
    "map_without": ("Tanpa bentuk di peta (dibentuk tahun 2022; hanya di tabel):",
                    "Without a shape on the map (created in 2022; in the table only):"),
    "map_table": ("Angka per provinsi", "Figures by province"), "map_province": ("Provinsi", "Province"),
    "map_code": ("Kode", "Code"), "map_no_shape": ("tanpa bentuk di peta", "no shape on the map"),
    "map_none": ("tidak ada data", "no data"),
    "map_kemenangan": ("Kemenangan IGA (provinsi beserta kabupaten/kotanya)", "IGA wins (the province and its regions)"),
    "map_menang-provinsi": ("Edisi IGA yang dimenangkan pemerintah provinsi", "IGA editions the province government won"),
    "map_daerah-pemenang": ("Daerah berbeda yang pernah menang IGA", "Distinct regions that won an IGA"),
    "map_sangat-inovatif": ("Daerah berpredikat sangat inovatif", "Regions rated very innovative"),
    "map_skor-iid": ("Skor indeks inovasi pemerintah provinsi", "Innovation index score of the province government"),
    "map_predikat-iid": ("Predikat indeks inovasi pemerintah provinsi", "Innovation index rating of the province government"),
    "province_wins": ("Kemenangan IGA per provinsi (provinsi beserta kabupaten/kotanya)",
                      "IGA wins per province (the province and its regencies and cities)"),
    "api": ("API (OpenAPI)", "API (OpenAPI)"),
}


def text(key: str, lang: str) -> str:
    """The interface text `key` in `lang` (English when asked for, Indonesian otherwise)."""
    id_text, en_text = UI[key]
    return en_text if lang == "en" else id_text
