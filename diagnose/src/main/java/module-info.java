/**
 * Boxscope's diagnose module; see DEVELOPERS.md for what lives here and what it may depend on (all
 * the library modules). Empty so far: it requires a module when its code uses one (ModuleGraphTest
 * in cli).
 */
module io.boxscope.diagnose {
}
