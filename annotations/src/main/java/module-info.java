/** The annotations of Tracked. */
module dev.tracked.annotations {
    exports dev.tracked;
}
