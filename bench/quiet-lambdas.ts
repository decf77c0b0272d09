/**
 * Imported first by every bench entry (`npm run bench`, `bench:*`). The bench runs the Lambdas in process, and their
 * Powertools loggers read the level once, when their module loads: it must be set before any bench module imports a
 * Lambda, or their JSON lines (INFO by default) bury the bench's progress lines. The child processes that measure a
 * Lambda as deployed set their own level (INFO).
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
