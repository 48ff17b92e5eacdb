/**
 * Boxscope's trace module; see DEVELOPERS.md for what lives here and what it may depend on (bpf,
 * proc). Empty so far: it requires a module when its code uses one (ModuleGraphTest in cli).
 */
module io.boxscope.trace {
}
