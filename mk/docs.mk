# Docs that cannot drift from the tree. Included by the Makefile.
#
#   make docs-check      links and #anchors of README.md and docs/, code line
#                        links against the symbols they name, "see X" and
#                        "mirrors X" paths in comments, make help, ports
#   make docs            rewrite the code line links' numbers from their symbols
#   make diagrams        docs/diagrams/*.svg from their .dot sources (Graphviz)
#   make diagrams-check  fails when a committed .svg differs from its source's

DIAGRAMS     := docs/diagrams
DIAGRAM_SRCS := $(wildcard $(DIAGRAMS)/*.dot)

.PHONY: docs docs-check diagrams diagrams-check

docs-check:
	python3 scripts/docs_check.py

docs:
	python3 scripts/docs_check.py --fix

diagrams:
	scripts/diagrams.sh $(DIAGRAMS) $(DIAGRAM_SRCS)

# Drawn again into a scratch folder and compared byte for byte, like abi/abi.h.
diagrams-check:
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	scripts/diagrams.sh "$$tmp" $(DIAGRAM_SRCS) && \
	for src in $(DIAGRAM_SRCS); do \
	  svg="$$(basename "$${src%.dot}").svg"; \
	  cmp -s "$$tmp/$$svg" "$(DIAGRAMS)/$$svg" || { echo "$(DIAGRAMS)/$$svg is stale: run make diagrams"; exit 1; }; \
	done
