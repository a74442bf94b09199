/*
 * Limits of template expansion. Azure Pipelines documents the first three on
 * learn.microsoft.com/azure/devops/pipelines/process/templates, section
 * "Imposed limits". Revisions of that page disagree, and Sluice uses the current one.
 */

/**
 * Most YAML files that one pipeline may include, directly or indirectly
 * (the "100 separate YAML files" of the templates page).
 */
export const MAX_TEMPLATE_FILES = 100;

/**
 * Deepest chain of templates that include templates. The current templates
 * page allows 100 levels of nesting; older revisions allowed 20.
 */
export const MAX_TEMPLATE_DEPTH = 100;

/**
 * Most characters of YAML text read for one pipeline, the pipeline file and
 * every template together. Azure limits parsing memory to 20 MB (10 MB in older
 * revisions) and notes that this is about 600 KB to 2 MB of YAML on disk.
 * NOTE: Azure counts memory, not characters; 2 MB of text is the upper end of
 * the range the docs give.
 */
export const MAX_TEMPLATE_TEXT_CHARACTERS = 2 * 1024 * 1024;

/**
 * Most nodes the expanded tree may contain. Azure publishes no node count; its
 * 20 MB parsing limit also covers what expansion produces. At an estimated 80
 * bytes per node, 20 MB is about 250,000 nodes. The largest pipeline in Sluice's
 * test corpus of public pipelines expands to about 3,000. The budget stops `each`
 * loops and repeated insertion from growing a tree without bound.
 */
export const MAX_EXPANDED_NODES = 250_000;
