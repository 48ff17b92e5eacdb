package io.boxscope.trace.scap;

/**
 * A container image reference split into the repository, tag and digest that {@code trace -w} writes into its
 * container events ({@code imagerepo}, {@code imagetag}, {@code imagedigest} of the JSON libsinsp's
 * container_info parses) and that container.image.repository and .tag show for containers a live capture asks
 * the runtimes about: {@code repo@digest}, else {@code repo:tag} when the last colon comes after the last slash
 * (so a registry's port is not a tag). libsinsp's own split (sinsp_utils::split_container_image, libs e5c53d64)
 * gives the same repository and tag for these forms.
 *
 * @param repository the image without tag or digest
 * @param tag        the tag, empty when none
 * @param digest     the digest (e.g. {@code sha256:...}), empty when none
 */
public record ImageName(String repository, String tag, String digest) {
    /** {@code image} split into repository, tag and digest. */
    public static ImageName split(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        int at = image.indexOf('@');
        if (at >= 0) {
            return new ImageName(image.substring(0, at), "", image.substring(at + 1));
        }
        if (colon > slash) {
            return new ImageName(image.substring(0, colon), image.substring(colon + 1), "");
        }
        return new ImageName(image, "", "");
    }
}
