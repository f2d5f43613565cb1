"""The stored records: assets, their audit trail, the privacy policy and what may
leave the app, links, snapshots, areas, indicators, the walking network, imports, the
action log and the limits per visitor. Everything here reads and writes through storage.
"""
