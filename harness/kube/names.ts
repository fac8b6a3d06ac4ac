/** An RFC 1123 DNS label, as Kubernetes requires of namespace and most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
