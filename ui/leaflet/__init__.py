"""Leaflet printing in the window: language picker, preview from PDF bytes, print through Qt, save where chosen."""
