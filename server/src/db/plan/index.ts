/** Plan analysis (issue 4, item 5): the summary and the top problems shown above the plan view. */
export { summarizePgPlan } from './pg-plan';
export { pgPlanProblems, type PgProblemOptions } from './pg-problems';
export { sqlitePlanProblems, sqlitePlanTree, type SqlitePlanRow, type SqliteProblemOptions } from './sqlite-plan';
