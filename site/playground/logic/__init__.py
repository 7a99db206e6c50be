"""Pure logic of the page (no js): colour maps, layouts, the words of the teaching panels. Tested in CPython."""
