/** Boxscope's tools module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.tools {
    requires io.boxscope.probe;
    requires io.boxscope.proc;
}
