using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>What a person may do. Admin is global; a liaison runs their own study groups.</summary>
public enum Role { Learner, Liaison, Admin }

/// <summary>A person on a roster, identified across cohorts and channels by their phone number.</summary>
public sealed record Learner(long Id, string Name, string Phone, string? Language, string? Email);

/// <summary>A person's place in a cohort: their study group (none for admins) and role.</summary>
public sealed record Enrollment(long CohortId, long LearnerId, long? GroupId, Role Role);
