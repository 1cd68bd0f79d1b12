import type {z} from 'zod';

/** zod's issues in one line: "store.objects.3.object.metadata.name: Invalid input: expected string, …" */
export function explainIssues(error: z.ZodError, max = 3): string {
  const shown = error.issues
    .slice(0, max)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}
