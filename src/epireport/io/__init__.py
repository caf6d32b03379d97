"""Reading and writing epireport inputs: report files (YAML/JSON) and, later, forms and stores."""
