/** The few kinds of failure the app turns into responses, each with a stable code (mapped in app.ts). */
export class AppError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = "Page not found") {
    super(message, "not_found", 404);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do that") {
    super(message, "forbidden", 403);
  }
}

/** Field-level problems a form can show in an error summary. */
export class ValidationError extends AppError {
  constructor(readonly fieldErrors: FieldError[]) {
    super(fieldErrors.map((e) => e.text).join("; "), "validation", 422);
  }
}

export interface FieldError {
  field: string;
  text: string;
}
