"""Pure maths on frames: choropleth classes, coverage, need and supply, the
link graph's figures and walking distances. Nothing here touches the database.
"""
