// The queue panel arrives with the extension issue.
export {};
