"""What a browser receives: the map (folium, its payload and its JavaScript) and the
documents (templates and their styles). Rendering never queries the database.
"""
