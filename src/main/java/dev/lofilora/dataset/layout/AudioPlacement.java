package dev.lofilora.dataset.layout;

/** How the audio gets into the dataset folders. */
public enum AudioPlacement {
    /** A hard link to the processed file (no extra disk space); a copy where the folders are on different file systems. */
    LINK,
    /** An independent copy. */
    COPY
}
